"""Sites, units, rooms and beds over the JSON API."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from caredesk.core import scoping
from caredesk.core.api_support import ERRORS, Page
from caredesk.org import queries, schemas, services
from caredesk.org.models import Bed, Room, Site, Unit

router = Router(tags=["organisation"])


class ListFilter(Schema):
    include_inactive: bool = False


class UnitFilter(ListFilter):
    site_id: int | None = None


class RoomFilter(ListFilter):
    unit_id: int | None = None


class BedFilter(ListFilter):
    unit_id: int | None = None
    room_id: int | None = None


@router.get("/sites", response=list[schemas.SiteRead], summary="Sites you can see")
@paginate(Page)
def list_sites(request: HttpRequest, filters: Query[ListFilter]):  # type: ignore[no-untyped-def]
    return queries.sites(request.user, include_inactive=filters.include_inactive)


@router.post("/sites", response={201: schemas.SiteRead, **ERRORS}, summary="Open a new site")
def create_site(request: HttpRequest, data: schemas.SiteCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_site(request.user, data)


@router.get("/sites/{site_id}", response={200: schemas.SiteRead, **ERRORS})
def get_site(request: HttpRequest, site_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(Site.objects.all(), request.user, "org.view_site", pk=site_id)


@router.patch("/sites/{site_id}", response={200: schemas.SiteRead, **ERRORS}, summary="Edit or deactivate a site")
def update_site(request: HttpRequest, site_id: int, data: schemas.SiteUpdate):  # type: ignore[no-untyped-def]
    return services.update_site(request.user, site_id, data)


@router.get("/units", response=list[schemas.UnitRead])
@paginate(Page)
def list_units(request: HttpRequest, filters: Query[UnitFilter]):  # type: ignore[no-untyped-def]
    return queries.units(request.user, site_id=filters.site_id, include_inactive=filters.include_inactive)


@router.post("/units", response={201: schemas.UnitRead, **ERRORS})
def create_unit(request: HttpRequest, data: schemas.UnitCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_unit(request.user, data)


@router.get("/units/{unit_id}", response={200: schemas.UnitRead, **ERRORS})
def get_unit(request: HttpRequest, unit_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(Unit.objects.all(), request.user, "org.view_unit", pk=unit_id)


@router.patch("/units/{unit_id}", response={200: schemas.UnitRead, **ERRORS}, summary="Edit or deactivate a unit")
def update_unit(request: HttpRequest, unit_id: int, data: schemas.UnitUpdate):  # type: ignore[no-untyped-def]
    return services.update_unit(request.user, unit_id, data)


@router.get("/rooms", response=list[schemas.RoomRead])
@paginate(Page)
def list_rooms(request: HttpRequest, filters: Query[RoomFilter]):  # type: ignore[no-untyped-def]
    return queries.rooms(request.user, unit_id=filters.unit_id, include_inactive=filters.include_inactive)


@router.post("/rooms", response={201: schemas.RoomRead, **ERRORS})
def create_room(request: HttpRequest, data: schemas.RoomCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_room(request.user, data)


@router.get("/rooms/{room_id}", response={200: schemas.RoomRead, **ERRORS})
def get_room(request: HttpRequest, room_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(Room.objects.all(), request.user, "org.view_unit", pk=room_id)


@router.patch("/rooms/{room_id}", response={200: schemas.RoomRead, **ERRORS})
def update_room(request: HttpRequest, room_id: int, data: schemas.RoomUpdate):  # type: ignore[no-untyped-def]
    return services.update_room(request.user, room_id, data)


@router.get("/beds", response=list[schemas.BedRead])
@paginate(Page)
def list_beds(request: HttpRequest, filters: Query[BedFilter]):  # type: ignore[no-untyped-def]
    return queries.beds(
        request.user, unit_id=filters.unit_id, room_id=filters.room_id, include_inactive=filters.include_inactive
    )


@router.post("/beds", response={201: schemas.BedRead, **ERRORS})
def create_bed(request: HttpRequest, data: schemas.BedCreate):  # type: ignore[no-untyped-def]
    return 201, services.create_bed(request.user, data)


@router.get("/beds/{bed_id}", response={200: schemas.BedRead, **ERRORS})
def get_bed(request: HttpRequest, bed_id: int):  # type: ignore[no-untyped-def]
    return scoping.get_scoped(Bed.objects.all(), request.user, "org.view_unit", pk=bed_id)


@router.patch("/beds/{bed_id}", response={200: schemas.BedRead, **ERRORS})
def update_bed(request: HttpRequest, bed_id: int, data: schemas.BedUpdate):  # type: ignore[no-untyped-def]
    return services.update_bed(request.user, bed_id, data)
