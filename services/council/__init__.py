"""The neighbourhood progress council, one module per part of it:

- `members`: council members and their committee seats;
- `invitations`: single-use invitations to join the council;
- `liaisons`: executive agencies and their liaison in each county;
- `staffing`: what officials oversee, committee staffing and the staffing reports;
- `profile`: the neighbourhood profile (شناسنامه محله);
- `errors`: the errors several of them raise.

Every name is re-exported here, so `from services.council import register_member` keeps working.
"""

from models.council import STANDING_COMMITTEES  # re-exported: callers read council.STANDING_COMMITTEES
from services.council.errors import (
    AlreadyMember,
    CouncilError,
    HeadSeatTaken,
    PositionTaken,
    UnknownCommittee,
)
from services.council.invitations import (
    INVITATION_DEFAULT_VALIDITY,
    INVITATION_MAX_VALIDITY,
    InvalidInvitation,
    InvitationError,
    InvitationExpired,
    InvitationNotFound,
    InvitationUsed,
    accept_invitation,
    create_invitation,
)
from services.council.liaisons import (
    AgencyLiaison,
    AgencyView,
    CountyLiaisons,
    LiaisonView,
    county_liaisons,
    list_agencies,
    list_liaisons,
    set_liaison,
)
from services.council.members import (
    KEEP,
    CommitteeSeat,
    MemberInactive,
    MemberView,
    deactivate_member,
    edit_member,
    get_member,
    list_members,
    register_member,
)
from services.council.profile import (
    FACILITY_KEYS,
    MAX_PROBLEMS_LENGTH,
    PROGRAMME_KEYS,
    InvalidProfile,
    ProfileChanges,
    ProfileView,
    get_profile,
    update_profile,
)
from services.council.staffing import (
    CommitteeStaffing,
    CountyRef,
    CountyStaffing,
    NeighbourhoodStaffing,
    OverseenRegions,
    ProvinceRef,
    ProvinceStaffing,
    committee_staffing,
    county_staffing_report,
    overseen_regions,
    province_staffing_report,
)
from services.errors import UnknownMember

__all__ = [
    "FACILITY_KEYS",
    "INVITATION_DEFAULT_VALIDITY",
    "INVITATION_MAX_VALIDITY",
    "KEEP",
    "MAX_PROBLEMS_LENGTH",
    "PROGRAMME_KEYS",
    "STANDING_COMMITTEES",
    "AgencyLiaison",
    "AgencyView",
    "AlreadyMember",
    "CommitteeSeat",
    "CommitteeStaffing",
    "CouncilError",
    "CountyLiaisons",
    "CountyRef",
    "CountyStaffing",
    "HeadSeatTaken",
    "InvalidInvitation",
    "InvalidProfile",
    "InvitationError",
    "InvitationExpired",
    "InvitationNotFound",
    "InvitationUsed",
    "LiaisonView",
    "MemberInactive",
    "MemberView",
    "NeighbourhoodStaffing",
    "OverseenRegions",
    "PositionTaken",
    "ProfileChanges",
    "ProfileView",
    "ProvinceRef",
    "ProvinceStaffing",
    "UnknownCommittee",
    "UnknownMember",
    "accept_invitation",
    "committee_staffing",
    "county_liaisons",
    "county_staffing_report",
    "create_invitation",
    "deactivate_member",
    "edit_member",
    "get_member",
    "get_profile",
    "list_agencies",
    "list_liaisons",
    "list_members",
    "overseen_regions",
    "province_staffing_report",
    "register_member",
    "set_liaison",
    "update_profile",
]
