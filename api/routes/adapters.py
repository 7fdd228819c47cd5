"""The platforms and partners every case can use, as the adapter registry lists them."""

from fastapi import APIRouter

from api.auth import AdapterReader
from api.deps import CatalogDep
from workflows.models.catalog import PartnerCatalog

router = APIRouter(prefix="/adapters", tags=["adapters"])


@router.get("")
async def list_adapters(actor: AdapterReader, catalog: CatalogDep) -> PartnerCatalog:
    return catalog.catalog()
