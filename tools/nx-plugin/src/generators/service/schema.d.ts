/** Options of `nx g @platform/nx-plugin:service`, as the command line gives them (see schema.json). */
export interface ServiceGeneratorSchema {
  readonly name: string;
  /** Checked by the generator too: it may be called without Nx's schema validation (tests, other generators). */
  readonly type?: string;
  readonly path?: string;
  readonly database?: boolean;
}
