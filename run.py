"""Development server: `python run.py` (what `make run` calls)."""
import os
import sys

from app import create_app
from app.application.guard import ProductionGuardError
from app.policy.profiles import ProfileError


def main():
    try:
        app = create_app()
    except ProductionGuardError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    except ProfileError as exc:
        print("The province profile is not valid:\n%s" % exc, file=sys.stderr)
        sys.exit(1)
    # the guard has checked this address: anything but loopback gets the production checks
    host = app.config["BIND_HOST"]
    port = int(os.environ.get("PORT", "8080"))
    app.run(host=host, port=port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
