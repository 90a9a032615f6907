"""The shipped electricity referral loses "hóa đơn điện" and "mua điện": a full commune catalogue names
"hóa đơn điện tử" (e-invoices) and "mua tem điện tử" (electronic tax stamps) in tax offices' procedures
(search/referrals.py).

Only a row still holding the phrases as shipped in 0005 is changed: an editor's edit is kept as it is.
Reversing puts the phrase back on such a row.
"""

from django.db import migrations

TITLE = "Điện sinh hoạt: liên hệ Điện lực"
BEFORE = (
    "lắp điện, lắp đồng hồ điện, công tơ điện, đồng hồ điện, mua điện, hóa đơn tiền điện, trả tiền điện, "
    "hóa đơn điện, cúp điện, cắt điện, lịch cắt điện"
)
AFTER = (
    "lắp điện, lắp đồng hồ điện, công tơ điện, đồng hồ điện, hóa đơn tiền điện, trả tiền điện, "
    "cúp điện, cắt điện, lịch cắt điện"
)


def replace(apps, old, new):
    Referral = apps.get_model("search", "Referral")
    Referral.objects.filter(shipped=True, title=TITLE, terms=old).update(terms=new)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_court_and_pensions")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: replace(apps, BEFORE, AFTER),
            lambda apps, schema_editor: replace(apps, AFTER, BEFORE),
            elidable=False,
        )
    ]
