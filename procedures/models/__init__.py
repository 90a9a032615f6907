"""Models of the procedure catalogue, split by kind (see HOUSE_STYLE.md)."""

from procedures.models.imports import ProcedureImport  # noqa: F401
from procedures.models.life_events import LifeEventIndexPage, LifeEventPage, LifeEventProcedure  # noqa: F401
from procedures.models.overrides import ProcedureOverride  # noqa: F401
from procedures.models.pages import (  # noqa: F401
    FieldOfActivity,
    ProcedureDocument,
    ProcedureIndexPage,
    ProcedurePage,
    ProcedureStep,
    ProcedureViewCount,
)
from procedures.models.posters import PosterBatch, PosterPrint, SitePosterChange  # noqa: F401
