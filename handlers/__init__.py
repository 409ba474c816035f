"""aiogram routers, one module (or package) per feature; `get_routers()` assembles them in groups."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    actions,
    admin,
    announce,
    common,
    council,
    courses,
    credentials,
    crisis,
    errors,
    fallback,
    feed,
    inbox,
    jalali_calendar,
    join,
    liaisons,
    meetings,
    plans,
    poster,
    profile,
    reach,
    report,
    requests,
    resolutions,
    start,
    surveys,
    talk,
)


def _group(_name: str, *features: Router) -> list[Router]:
    # A group names a place in the order; its features go straight under the dispatcher, since
    # every router level a message passes through costs aiogram a propagation of its own.
    return list(features)


def get_routers() -> list[Router]:
    """The routers, in order. A message goes to the first handler whose filters match;
    the groups say why each feature stands where it does:

    1. **errors**: the error boundary (it handles no updates, only what handlers raise);
    2. **always**: what works in any state, in the middle of any form: /help, /cancel, /start,
       the language and contact buttons, a form calendar's month arrows;
    3. **officials**: the features whose commands and menu buttons (council, report, reach,
       liaisons, crisis, action log, feed) must work in the middle of a form that takes free text;
    4. **forms**: the flows that take free text in their states (meetings, resolutions, joining,
       profile, requests, inbox, poster, admin, surveys, plans, courses, credentials); each
       module's own steps come before its catch-alls;
    5. **fallback**: outside every form, what a person writes starts a request (`talk`); the
       rest gets the fallback's answer.
    """
    return [
        errors.setup(),
        *_group("always", common.setup(), jalali_calendar.setup(), start.setup()),
        *_group(
            "officials",
            council.setup(),
            report.setup(),
            reach.setup(),
            liaisons.setup(),
            crisis.setup(),
            announce.setup(),
            actions.setup(),
            feed.setup(),
        ),
        *_group(
            "forms",
            meetings.setup(),
            resolutions.setup(),
            join.setup(),
            profile.setup(),
            requests.setup(),
            inbox.setup(),
            poster.setup(),
            admin.setup(),
            surveys.setup(),
            plans.setup(),
            courses.setup(),
            credentials.setup(),
        ),
        *_group("fallback", talk.setup(), fallback.setup()),
    ]
