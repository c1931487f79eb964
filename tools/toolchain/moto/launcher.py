"""Start moto's server on 127.0.0.1 with the Application Auto Scaling tagging calls it lacks.

moto 5.2.1 has no ListTagsForResource/TagResource/UntagResource for Application Auto Scaling,
and the AWS provider reads tags after creating an aws_appautoscaling_target, so without these
stubs that resource never finishes creating.

Usage: python3 launcher.py PORT
"""

import json
import os
import sys

# Must be set before moto's IAM backend loads: attaching AWS managed policies
# (AmazonECSTaskExecutionRolePolicy) returns 404 otherwise.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
# moto starts ECS services with 0 running tasks unless told otherwise, so a deploy's wait for a stable
# service (running == desired) would never end against the shared emulator.
os.environ.setdefault("MOTO_ECS_SERVICE_RUNNING", "1")

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse  # noqa: E402
import moto.server  # noqa: E402


def _list_tags_for_resource(self):  # type: ignore[no-untyped-def]
    return json.dumps({"Tags": {}})


def _tag_resource(self):  # type: ignore[no-untyped-def]
    return json.dumps({})


def _untag_resource(self):  # type: ignore[no-untyped-def]
    return json.dumps({})


# Only fill gaps: a later moto that implements these keeps its own versions.
for _name, _impl in (
    ("list_tags_for_resource", _list_tags_for_resource),
    ("tag_resource", _tag_resource),
    ("untag_resource", _untag_resource),
):
    if not hasattr(ApplicationAutoScalingResponse, _name):
        setattr(ApplicationAutoScalingResponse, _name, _impl)


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.stderr.write("usage: launcher.py PORT\n")
        sys.exit(2)
    moto.server.main(["-H", "127.0.0.1", "-p", sys.argv[1]])


if __name__ == "__main__":
    main()
