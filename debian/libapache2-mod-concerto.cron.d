# mod_concerto's scheduled tasks (concertoctl), run as the Apache user on the
# default data directory. They do nothing until `concertoctl setup` has
# created /var/lib/concerto/sessions. /etc/apache2/envvars is read first so
# that DB_*, CONCERTO_DB_DRIVER, CONCERTO_DB_PARAMS and
# CONCERTO_SESSION_FILES_EXPIRATION set there apply here too. Several
# servers sharing one database may all run them: a run that finds another
# holding the job's lock exits 75, which is not an error.
SHELL=/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Pending scheduled tasks, every minute.
* * * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && { concertoctl schedule tick >/dev/null || [ $? -eq 75 ]; }
# The active-session count for the admin pages, every 5 minutes (Concerto's).
*/5 * * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && { concertoctl sessions log >/dev/null || [ $? -eq 75 ]; }
# Ended and abandoned sessions and their files, once a day.
17 3 * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && { concertoctl sessions clear >/dev/null || [ $? -eq 75 ]; }
