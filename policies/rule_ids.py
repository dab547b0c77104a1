"""Rule IDs as written in sop-rules.md (R-GRADE-1a, R-SLA-9, ...): every policy entry cites one."""

from typing import Annotated

from pydantic import StringConstraints

_FAMILIES = "INTAKE|GRADE|ROUTE|SLA|LOOP|REMEDY|COMP|REVIEW"
RuleId = Annotated[str, StringConstraints(pattern=rf"^R-({_FAMILIES})-\d+[a-z]?$")]
