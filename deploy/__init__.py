"""What serves the app in production: gunicorn's settings (gunicorn.conf.py), the WSGI
entry (wsgi.py), systemd units (systemd/) and nginx's site (nginx/); docs/deploy.md."""
