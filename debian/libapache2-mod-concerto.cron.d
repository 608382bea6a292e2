# mod_concerto's scheduled tasks (concertoctl), run as the Apache user on the
# default data directory. They do nothing until `concertoctl setup` has
# created /var/lib/concerto/sessions. /etc/apache2/envvars is read first so
# that DB_*, CONCERTO_DB_DRIVER and CONCERTO_DB_PARAMS set there for Apache
# apply here too. Several servers sharing one database may all run them.
SHELL=/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Pending scheduled tasks, and the active-session count for the admin pages.
* * * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && concertoctl schedule tick >/dev/null
* * * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && concertoctl sessions log >/dev/null
# Old sessions and their files, once a day.
17 3 * * *	www-data	[ -x /usr/bin/concertoctl ] && [ -d /var/lib/concerto/sessions ] && . /etc/apache2/envvars && concertoctl sessions clear >/dev/null
