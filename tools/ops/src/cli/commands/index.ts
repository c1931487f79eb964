/** The command table: every ops CLI command by name, in the order usage lists them. */
import type { CommandSpec } from "../command";
import { affectedEnvironmentsCommand } from "./affected-environments";
import { deployAffectedCommand } from "./deploy-affected";
import { planCommentCommand } from "./plan-comment";
import { promoteCommand } from "./promote";
import { recordApplyCommand } from "./record-apply";
import { releaseCommand } from "./release";
import { runImageCommand } from "./run-image";
import { statusCommand } from "./status";

export const COMMAND_TABLE = {
  promote: promoteCommand,
  status: statusCommand,
  "run-image": runImageCommand,
  "plan-comment": planCommentCommand,
  "affected-environments": affectedEnvironmentsCommand,
  "deploy-affected": deployAffectedCommand,
  "record-apply": recordApplyCommand,
  release: releaseCommand,
} as const satisfies Record<string, CommandSpec>;

export type Command = keyof typeof COMMAND_TABLE;

export const COMMANDS = Object.keys(COMMAND_TABLE) as readonly Command[];

export function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMAND_TABLE, name);
}
