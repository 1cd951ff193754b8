"""create_app(): settings from the environment, several apps in one process."""
import pytest

import config
from app import create_app
from tests.conftest import environ_for, migrate_to_head


def test_settings_come_from_the_environment():
    settings = config.from_environ({
        "HOSO_ENV": "development",
        "DATABASE_URL": "postgresql://u@db.example:5432/hoso",
        "SECRET_KEY": "k" * 40,
        "PROVINCE_PROFILE": "hai_phong",
        "MAIL_SERVER": "smtp.example.vn",
        "MAIL_PORT": "2525",
        "MAIL_USE_TLS": "true",
        "MAIL_DEFAULT_SENDER": "hoso@example.vn",
    })
    assert settings["HOSO_ENV"] == "development"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://u@db.example:5432/hoso"
    assert settings["SECRET_KEY"] == "k" * 40
    assert settings["PROVINCE_PROFILE"] == "hai_phong"
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"]) == ("smtp.example.vn", 2525)
    assert settings["MAIL_USE_TLS"] is True and settings["MAIL_USE_SSL"] is False
    assert settings["MAIL_DEFAULT_SENDER"] == "hoso@example.vn"


def test_defaults_are_production_on_an_sqlite_file_in_vietnamese():
    settings = config.from_environ({})
    assert settings["HOSO_ENV"] == "production"
    assert settings["SQLALCHEMY_DATABASE_URI"] == config.default_sqlite_url()
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("/instance/hoso.db")
    assert settings["BABEL_DEFAULT_LOCALE"] == "vi"
    assert list(settings["LANGUAGES"]) == ["vi", "en"]


def test_each_other_profile_keeps_its_own_instance_folder():
    """Switching PROVINCE_PROFILE on a checkout opens that profile's own demo database,
    files, trust file and backups, never one loaded under another regulation."""
    default = config.from_environ({})
    other = config.from_environ({"PROVINCE_PROFILE": "da_nang"})
    assert other["SQLALCHEMY_DATABASE_URI"].endswith("/instance/da_nang/hoso.db")
    for key in ("AUDIT_ANCHOR_FILE", "FILE_STORE", "SIGNING_TRUST_FILE", "BACKUP_DIR"):
        assert "/instance/da_nang/" in other[key] + "/", key
        assert "/instance/da_nang" not in default[key], key
    # a deployment's own settings win over the folder
    chosen = config.from_environ({"PROVINCE_PROFILE": "da_nang", "DATABASE_URL": "sqlite:///x.db"})
    assert chosen["SQLALCHEMY_DATABASE_URI"] == "sqlite:///x.db"


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ValueError, match="HOSO_ENV"):
        create_app(environ={"HOSO_ENV": "staging",
                            "DATABASE_URL": "sqlite:///%s" % (tmp_path / "x.db")})


def test_two_apps_in_one_process_each_serve_their_own_database(database_url, tmp_path):
    """One on PostgreSQL, one on SQLite; the first keeps working after the second."""
    sqlite_url = "sqlite:///%s" % (tmp_path / "second.db")
    migrate_to_head(sqlite_url)
    first = create_app(environ=environ_for(database_url))
    second = create_app(environ=environ_for(sqlite_url))
    assert first.appbuilder is not second.appbuilder
    for app in (first, second, first):
        response = app.test_client().get("/login/")
        assert response.status_code == 200
        assert "Đăng nhập" in response.get_data(as_text=True)
    with first.app_context():
        from app.extensions import db
        assert db.engine.dialect.name == "postgresql"
    with second.app_context():
        from app.extensions import db
        assert db.engine.dialect.name == "sqlite"


def test_unknown_page_is_a_vietnamese_404_not_a_crash(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
