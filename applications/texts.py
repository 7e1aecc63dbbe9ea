"""The first versions of the certification and the ICE-cooperation questions.

The 0003 migration stores these as version "2017-08" rows; later versions are new rows
(added through the admin), never edits of these strings.
"""

CERTIFICATION_V1_VERSION = "2017-08"
CERTIFICATION_V1 = (
    "I certify that I am the chief legal officer of the jurisdiction named in this Statement "
    "of Interest with authority to certify; that I have reviewed 8 U.S.C. 1373(a) and (b); "
    "and that the jurisdiction complies with 8 U.S.C. 1373. I understand that the U.S. "
    "Department of Justice treats this certification as a material representation of fact, "
    "and I make it under penalty of perjury."
)

# DOJ wording of 3 August 2017, sent to police chiefs; quoted exactly.
ICE_QUESTIONS_V1_VERSION = "2017-08"
ICE_QUESTIONS_V1 = [
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is "
    "designed to ensure that U.S. Department of Homeland Security (DHS) personnel have access "
    "to any correctional or detention facility in order to meet with an alien (or an "
    "individual believed to be an alien) and inquire as to his or her right to be or to "
    "remain in the United States?",
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is "
    "designed to ensure that your correctional and detention facilities provide at least 48 "
    "hours advance notice, where possible, to DHS regarding the scheduled release date and "
    "time of an alien in the jurisdiction's custody when DHS requests such notice in order to "
    "take custody of the alien?",
    "Does your jurisdiction have a statute, rule, regulation, policy, or practice that is "
    "designed to ensure that your correctional and detention facilities will honor a written "
    "request from DHS to hold a foreign national for up to 48 hours beyond the scheduled "
    "release date, in order to permit DHS to take custody of the foreign national?",
]

# Shown beside the certification (not part of the signed text).
SECTION_1373_SUMMARY = (
    "8 U.S.C. 1373, in substance: no government entity may prohibit or restrict its officials "
    "from sending to, or receiving from, federal immigration authorities information about "
    "anyone's citizenship or immigration status, or from keeping or exchanging it."
)
