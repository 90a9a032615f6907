"""Re-encrypt every submitter identity value with the current key.

Rotating the key that protects names, phones, e-mails and addresses:

1. generate a key:
   ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``;
2. put it FIRST in ``FEEDBACK_IDENTITY_KEYS``, keeping the old key(s) after it, and restart;
3. run ``manage.py rotate_identity_key`` (``--dry-run`` first to see the counts);
4. remove the old key(s) from ``FEEDBACK_IDENTITY_KEYS`` and restart.

Each row goes to its commune's current ring: a commune given keys of its own in
``FEEDBACK_COMMUNE_IDENTITY_KEYS`` has its rows moved from the install's keys to
its own (keep the old keys configured until the run has finished), and a commune
whose ring is removed from that setting has its rows moved back to the install's.

Values are read and written as stored (tokens) with plain SQL, never through
the model field, so nothing is encrypted twice. Each batch is its own
transaction: an interrupted run can simply be run again.
"""

import argparse

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from cryptography.fernet import InvalidToken

from feedback import crypto


def positive_int(value):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def encrypted_fields():
    """(model, [EncryptedTextField, ...]) for every installed model that has such fields."""
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, crypto.EncryptedTextField)]
        if fields:
            yield model, fields


def site_column(model, fields):
    """The column of the row's commune (its Site), if the fields encrypt per commune."""
    names = {field.site_field for field in fields if field.site_field}
    return model._meta.get_field(names.pop()).column if names else None


def read_raw(model, fields, pks):
    """{pk: ({field name: stored token}, site id or None)} straight from the table, without decryption."""
    connection = connections[router.db_for_write(model)]  # the same database the batch writes to
    qn = connection.ops.quote_name
    site = site_column(model, fields)
    columns = ", ".join([qn(field.column) for field in fields] + [qn(site) if site else "NULL"])
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT {qn(model._meta.pk.column)}, {columns} FROM {qn(model._meta.db_table)} "  # noqa: S608 - identifiers from model meta, quoted
        f"WHERE {qn(model._meta.pk.column)} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(pks))
        return {
            row[0]: ({field.name: value for field, value in zip(fields, row[1:-1], strict=True)}, row[-1])
            for row in cursor
        }


def write_raw(model, pk, tokens):
    """Store ``tokens`` ({field name: token}) as they are: raw SQL, so the field cannot encrypt them again."""
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(model._meta.get_field(name).column)} = %s" for name in tokens)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn(model._meta.pk.column)} = %s"  # noqa: S608 - identifiers from model meta, quoted
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tokens.values(), pk])


class Command(BaseCommand):
    help = (
        "Re-encrypt every feedback identity value (name, phone, e-mail, address) with the first key of its "
        "commune's ring in FEEDBACK_COMMUNE_IDENTITY_KEYS, else of FEEDBACK_IDENTITY_KEYS. Run after putting a "
        "new key first (or giving a commune its ring); then remove the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every value can be decrypted with the configured keys and count them; write nothing.",
        )
        parser.add_argument("--batch-size", type=positive_int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, **options):
        try:
            crypto.fernet()
            for ring in crypto.commune_rings():
                crypto.fernet(ring)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.dry_run = options["dry_run"]
        self.verbosity = options["verbosity"]
        self.batch_size = options["batch_size"]
        from wagtail.models import Site

        self.hosts = dict(Site.objects.values_list("pk", "hostname"))

        totals = {"rows": 0, "values": 0, "plain": 0}
        for model, fields in encrypted_fields():
            counts = self.rotate_model(model, fields)
            for key in totals:
                totals[key] += counts[key]

        if not self.verbosity:
            return
        if totals["plain"]:
            self.stdout.write(
                self.style.WARNING(f"{totals['plain']} value(s) were stored unencrypted; they are now encrypted.")
                if not self.dry_run
                else self.style.WARNING(f"{totals['plain']} value(s) are stored unencrypted and would be encrypted.")
            )
        if self.dry_run:
            message = (
                f"Dry run: {totals['values']} value(s) in {totals['rows']} row(s) can be decrypted and would be "
                "re-encrypted with the current key. Nothing written."
            )
        else:
            message = f"Re-encrypted {totals['values']} value(s) in {totals['rows']} row(s) with the current key."
        self.stdout.write(self.style.SUCCESS(message))

    def rotate_model(self, model, fields):
        manager = model._base_manager
        pks = list(manager.order_by("pk").values_list("pk", flat=True))
        counts = {"rows": 0, "values": 0, "plain": 0}
        label = model._meta.label
        for start in range(0, len(pks), self.batch_size):
            batch = pks[start : start + self.batch_size]
            with transaction.atomic(using=router.db_for_write(model)):
                # Lock the rows so an edit cannot slip in between reading and writing them.
                list(manager.select_for_update().filter(pk__in=batch).values_list("pk", flat=True))
                for pk, (values, site_id) in read_raw(model, fields, batch).items():
                    ring = crypto.ring_for_host(self.hosts.get(site_id))
                    changes = {}
                    for name, token in values.items():
                        if not token:
                            continue
                        changes[name] = self.reencrypt(label, pk, name, token, ring, counts)
                    if changes:
                        counts["rows"] += 1
                        counts["values"] += len(changes)
                        if not self.dry_run:
                            write_raw(model, pk, changes)
            if self.verbosity >= 2:
                self.stdout.write(f"{label}: {min(start + self.batch_size, len(pks))}/{len(pks)} rows")
        return counts

    def reencrypt(self, label, pk, name, token, ring, counts):
        if not crypto.is_token(token):
            counts["plain"] += 1
            return crypto.encrypt(token, ring)
        old_ring, _body = crypto.split(token)
        where = f"the keys of {old_ring!r} in FEEDBACK_COMMUNE_IDENTITY_KEYS" if old_ring else "FEEDBACK_IDENTITY_KEYS"
        try:
            return crypto.rotate(token, ring)
        except (InvalidToken, ImproperlyConfigured):
            raise CommandError(
                f"{label} {pk}: {name} cannot be decrypted with any key in {where} "
                "(was an old key removed too early?). This batch was not written."
            ) from None
