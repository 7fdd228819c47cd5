"""Key management commands.

    python -m relais.crypto new-master-key   # print a fresh base64 master key
    python -m relais.crypto rewrap           # re-wrap every case key under the active master

Rotation: add the new key to RELAIS_MASTER_KEYS, make it RELAIS_ACTIVE_MASTER_KEY,
restart the API and workers (new case keys use it; old ones still open), run
``rewrap``, then remove the old key from RELAIS_MASTER_KEYS.
"""

import argparse
import asyncio

from relais.crypto.db_key_store import DatabaseKeyStore
from relais.crypto.keyring import MasterKeyring, new_master_key
from relais.db import Database
from relais.settings import get_settings


async def rewrap() -> int:
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        return await DatabaseKeyStore(database, MasterKeyring.from_settings(settings)).rewrap()
    finally:
        await database.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m relais.crypto", description=__doc__)
    parser.add_argument("command", choices=["new-master-key", "rewrap"])
    args = parser.parse_args(argv)
    if args.command == "new-master-key":
        print(new_master_key())
        return
    moved = asyncio.run(rewrap())
    print(f"re-wrapped {moved} case keys under master key '{get_settings().active_master_key}'")


if __name__ == "__main__":
    main()
