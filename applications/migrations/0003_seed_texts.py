# Seeds the first certification text and ICE-question set (version "2017-08").
# Frozen copies of applications/texts.py as of this migration: later versions are new
# rows, and this migration must keep producing the same texts and digests.

import datetime
import hashlib
import json

from django.db import migrations

CERTIFICATION = "I certify that I am the chief legal officer of the jurisdiction named in this Statement of Interest with authority to certify; that I have reviewed 8 U.S.C. 1373(a) and (b); and that the jurisdiction complies with 8 U.S.C. 1373. I understand that the U.S. Department of Justice treats this certification as a material representation of fact, and I make it under penalty of perjury."

QUESTIONS = [
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is designed to ensure that U.S. Department of Homeland Security (DHS) personnel have access to any correctional or detention facility in order to meet with an alien (or an individual believed to be an alien) and inquire as to his or her right to be or to remain in the United States?",
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is designed to ensure that your correctional and detention facilities provide at least 48 hours advance notice, where possible, to DHS regarding the scheduled release date and time of an alien in the jurisdiction's custody when DHS requests such notice in order to take custody of the alien?",
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is designed to ensure that your correctional and detention facilities will honor a written request from DHS to hold a foreign national for up to 48 hours beyond the scheduled release date, in order to permit DHS to take custody of the foreign national?",
]


def seed(apps, schema_editor):
    CertificationText = apps.get_model("applications", "CertificationText")
    IceQuestionSet = apps.get_model("applications", "IceQuestionSet")
    CertificationText.objects.get_or_create(
        version="2017-08",
        defaults={
            "text": CERTIFICATION,
            "sha256": hashlib.sha256(CERTIFICATION.encode("utf-8")).hexdigest(),
            "effective_date": datetime.date(2017, 8, 3),
        },
    )
    payload = json.dumps(
        {str(n): text for n, text in enumerate(QUESTIONS, start=1)},
        sort_keys=True,
        ensure_ascii=False,
    )
    IceQuestionSet.objects.get_or_create(
        version="2017-08",
        defaults={
            "question_1": QUESTIONS[0],
            "question_2": QUESTIONS[1],
            "question_3": QUESTIONS[2],
            "sha256": hashlib.sha256(payload.encode("utf-8")).hexdigest(),
            "effective_date": datetime.date(2017, 8, 3),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_role_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
