"""make install and make uninstall into a temporary DESTDIR: every file
lands where PREFIX, SYSCONFDIR and UNITDIR say (the unit's ExecStart and
-c follow them), an existing hersteld.conf is kept, and make uninstall
leaves no file behind.
"""

import os
import shutil
import tempfile

import harness


def make(*args):
    # The installed programs are the normal build's (daemon/hersteld,
    # cli/herstelctl), whatever binaries the suite runs: no HERSTELD or
    # HERSTELCTL from the suite may change make's targets.
    env = {k: v for k, v in harness.clean_env().items()
           if k not in ("HERSTELD", "HERSTELCTL", "MAKEFLAGS", "MAKELEVEL",
                        "MFLAGS", "DESTDIR", "PREFIX")}
    return harness.run(["make", "-s", "--no-print-directory", "-C",
                        harness.TOP] + list(args), env=env, timeout=300)


def files(top):
    """Every file and link below top, relative, sorted."""
    out = []
    for root, dirs, names in os.walk(top):
        for n in names:
            out.append(os.path.relpath(os.path.join(root, n), top))
    return sorted(out)


def test_make_install_then_uninstall_leaves_the_tree_empty():
    tmp = tempfile.mkdtemp(prefix="hersteld-install-")
    try:
        r = make("install", "DESTDIR=" + tmp)
        assert r.rc == 0, r
        assert files(tmp) == sorted([
            "etc/hersteld/hersteld.conf",
            "etc/hersteld/hersteld.conf.example",
            "usr/local/bin/herstelctl",
            "usr/local/lib/systemd/system/hersteld.service",
            "usr/local/lib/sysusers.d/hersteld.conf",
            "usr/local/sbin/hersteld",
            "usr/local/share/bash-completion/completions/herstelctl",
            "usr/local/share/man/man1/herstelctl.1",
            "usr/local/share/man/man5/hersteld.conf.5",
            "usr/local/share/man/man8/hersteld.8",
        ]), files(tmp)
        for path, mode in (("usr/local/sbin/hersteld", 0o755),
                           ("usr/local/bin/herstelctl", 0o755),
                           ("etc/hersteld/hersteld.conf", 0o644)):
            assert os.stat(os.path.join(tmp, path)).st_mode & 0o7777 == mode
        with open(os.path.join(
                tmp, "usr/local/lib/systemd/system/hersteld.service")) as fp:
            unit = fp.read()
        assert ("ExecStart=/usr/local/sbin/hersteld -d -c "
                "/etc/hersteld/hersteld.conf\n") in unit, unit
        # The installed configuration is the server's, and valid.
        with open(os.path.join(tmp, "etc/hersteld/hersteld.conf")) as fp:
            conf = fp.read()
        assert 'socket = "/run/hersteld/hersteld.sock"' in conf, conf
        assert 'database   = "/var/lib/hersteld/hersteld.db"' in conf, conf
        # The completion installed is the one for bash to load by name.
        r = harness.run(["/bin/bash", "--norc", "-c", "source %s && "
                         "complete -p herstelctl" % os.path.join(
                             tmp, "usr/local/share/bash-completion/"
                             "completions/herstelctl")])
        assert r.rc == 0 and "_herstelctl herstelctl" in r.out, r

        r = make("uninstall", "DESTDIR=" + tmp)
        assert r.rc == 0, r
        assert files(tmp) == [], files(tmp)
    finally:
        shutil.rmtree(tmp)


def test_make_install_honours_prefix_sysconfdir_unitdir_and_keeps_a_config():
    tmp = tempfile.mkdtemp(prefix="hersteld-install-")
    try:
        mine = os.path.join(tmp, "opt/etc/hersteld/hersteld.conf")
        os.makedirs(os.path.dirname(mine))
        with open(mine, "w") as fp:
            fp.write("# the administrator's own\n")
        args = ("DESTDIR=" + tmp, "PREFIX=/opt/h", "SYSCONFDIR=/opt/etc",
                "UNITDIR=/opt/units")
        r = make("install", *args)
        assert r.rc == 0, r
        have = files(tmp)
        for path in ("opt/h/sbin/hersteld", "opt/h/bin/herstelctl",
                     "opt/h/share/man/man8/hersteld.8",
                     "opt/h/share/bash-completion/completions/herstelctl",
                     "opt/units/hersteld.service",
                     "opt/etc/hersteld/hersteld.conf.example"):
            assert path in have, have
        with open(os.path.join(tmp, "opt/units/hersteld.service")) as fp:
            unit = fp.read()
        assert ("ExecStart=/opt/h/sbin/hersteld -d -c "
                "/opt/etc/hersteld/hersteld.conf\n") in unit, unit
        with open(mine) as fp:
            assert fp.read() == "# the administrator's own\n"

        r = make("uninstall", *args)
        assert r.rc == 0, r
        # What the administrator wrote stays; everything installed goes.
        assert files(tmp) == ["opt/etc/hersteld/hersteld.conf"], files(tmp)
    finally:
        shutil.rmtree(tmp)
