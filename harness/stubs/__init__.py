"""Sources of stub packages that do more than carry a marker (built into wheels by the catalogue).

``FOLLOWS``: the vendors' registry entries the stand-in commands follow, as ``Repository.follows`` does for the
index stand-ins (a test ties them to ``harness.vendors``).
"""

from harness.stubs import awscli, gcloud

FOLLOWS = (*awscli.FOLLOWS, *gcloud.FOLLOWS)
