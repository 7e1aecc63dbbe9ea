"""The change token the Outcomes page keeps its program under (psp_portal/change_tokens.py).

The page read every site and every outcome row of the program on each request (1,000
and 6,000 rows at bench scale 10, 8 ms of its SQL and the hashing of them as the key of
the kept program; issue 20) to find out that nothing had changed. Every committed save
or delete of what it reads replaces this token: the sites and their jurisdictions (the
filters narrow by them too), the outcome rows and the national rates. Its receivers
are connected when the app is ready (OutcomesConfig.ready), so every process that can
write one of them moves it on.
"""

from accounts.models import Jurisdiction
from applications.models import NationalCrimeRate
from psp_portal.change_tokens import ChangeToken
from sites.models import Site

from .models import OutcomesToken, OutcomeYear

OUTCOME_INPUTS = ChangeToken(
    OutcomesToken, inputs=[Site, Jurisdiction, OutcomeYear, NationalCrimeRate]
)
