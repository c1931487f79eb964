/** An exec that was refused before (or instead of) a session; `name` says why. Nothing was changed. */
export class ExecRefusedError extends Error {}

/** The environment's config has `exec.enabled: false`: the service's tasks accept no ECS Exec. */
export class ExecDisabledError extends ExecRefusedError {
  override readonly name = "ExecDisabledError";
}

/** The ECS service has no task in RUNNING to open a session in. */
export class NoRunningTaskError extends ExecRefusedError {
  override readonly name = "NoRunningTaskError";
}

/** locally: none of the service's replica containers is running. */
export class NoRunningReplicaError extends ExecRefusedError {
  override readonly name = "NoRunningReplicaError";
}

/** The command is not in the container (the runtime image has no shell: `sh` is not there). */
export class ExecCommandNotFoundError extends ExecRefusedError {
  override readonly name = "ExecCommandNotFoundError";
}

/** AWS: ECS Exec sessions are spoken by the Session Manager plugin, which is not on PATH. */
export class SessionManagerPluginMissingError extends ExecRefusedError {
  override readonly name = "SessionManagerPluginMissingError";
}
