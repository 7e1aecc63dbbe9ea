from engagements.models import Engagement

# What engagement_log needs besides the site, the actor and the dates.
LOG_FIELDS = {
    "title": "Peer exchange",
    "type": Engagement.Type.PEER_EXCHANGE,
    "focus_areas": ["investigations"],
    "provider": "BJA",
    "delivery": Engagement.Delivery.VIRTUAL,
}
