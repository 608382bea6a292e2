/* The login page: POST /api/admin/login; asks for the TOTP code when the
 * API answers totp_required, shows the lockout message, then goes on to
 * the page the user wanted (boot.next, checked by the server). */
(function () {
  'use strict';
  const CC = window.CC;

  function start() {
    const form = document.getElementById('cc-login');
    const error = document.getElementById('cc-login-error');
    const totpField = document.getElementById('cc-totp-field');
    const totp = document.getElementById('cc-totp');
    let shown = 0;
    function show(message) {
      error.textContent = message;
      error.hidden = false;
      error.setAttribute('data-n', String(shown++)); // a new answer, even with the same words
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const username = form.elements.username.value.trim();
      const password = form.elements.password.value;
      if (!username || !password) {
        show('Please enter your user name and your password.');
        (username ? form.elements.password : form.elements.username).focus();
        return;
      }
      const body = { username: username, password: password };
      if (!totpField.hidden && totp.value) body.totp = totp.value.trim();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await CC.api('POST', '/login', body, { noRedirect: true });
        window.location.assign(CC.boot.next || CC.adminUrl(''));
      } catch (err) {
        if (err.body && err.body.totp_required) {
          const first = totpField.hidden;
          totpField.hidden = false;
          totp.required = true;
          show(first ? 'Enter the six-digit code from your authenticator app.' : err.message);
          totp.focus();
        } else {
          show(err.status === 429 ? err.message : err.message.charAt(0).toUpperCase() + err.message.slice(1));
          form.elements.password.select();
        }
      } finally {
        button.disabled = false;
      }
    });
  }
  document.addEventListener('DOMContentLoaded', start);
}());
