// The AI provider's API key: asked once, kept in VS Code's SecretStorage, and handed to the server
// in its environment when it starts (secretEnv.ts; the server reads keys only from its
// environment). The key is never logged, never written to settings, never shown. No `vscode`
// import: the editor's secret storage, prompts and settings come in through small interfaces, so
// the node tests cover it all.

import { SecretEnvironment, SecretStore } from './secretEnv';

export type { SecretStore } from './secretEnv';

/** The providers that take a key (`devfocus.ai.provider` other than `none`). */
export const KEY_PROVIDERS = ['anthropic', 'openai', 'openai-compatible'] as const;
export type KeyProvider = (typeof KEY_PROVIDERS)[number];

export const SET_KEY_COMMAND = 'devfocus.ai.setApiKey';
export const CLEAR_KEY_COMMAND = 'devfocus.ai.clearApiKey';

/** The variables the server reads by provider when `devfocus.ai.apiKeyEnv` is empty (the
 * server's devfocus.ai.keys): an OpenAI-compatible server uses OPENAI_API_KEY when it wants a key. */
const KEY_VARIABLES: Record<KeyProvider, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  'openai-compatible': 'OPENAI_API_KEY',
};

export const PROVIDER_NAMES: Record<KeyProvider, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  'openai-compatible': 'OpenAI-compatible server',
};

/** A name the environment can hold: anything else could not reach the server. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isKeyProvider(value: unknown): value is KeyProvider {
  return (KEY_PROVIDERS as readonly unknown[]).includes(value);
}

/** The name the key of `provider` is kept under in SecretStorage (one per provider). */
export function secretName(provider: KeyProvider): string {
  return `devfocus.ai.apiKey.${provider}`;
}

/** The variable the server reads the key of `provider` from: `apiKeyEnv` when set, else the
 * provider's own. Undefined when `apiKeyEnv` is not a usable variable name. */
export function keyVariable(provider: KeyProvider, apiKeyEnv: string): string | undefined {
  if (!apiKeyEnv) {
    return KEY_VARIABLES[provider];
  }
  // As written: the server looks up exactly this name.
  return VARIABLE_NAME.test(apiKeyEnv) ? apiKeyEnv : undefined;
}

/** What the server's environment gets for the configured `provider`: its key under the variable
 * it reads, or nothing (no provider, no key stored, or a variable that cannot be set). */
export function keyEnvironment(
  provider: string,
  apiKeyEnv: string,
  key: string | undefined,
): Record<string, string> {
  if (!isKeyProvider(provider) || !key) {
    return {};
  }
  const variable = keyVariable(provider, apiKeyEnv);
  return variable ? { [variable]: key } : {};
}

/** Whether a pasted key looks like one: no spaces or line breaks inside. A message, or null. */
export function keyProblem(value: string): string | null {
  const key = value.trim();
  if (!key) {
    return 'Paste the API key, or press Escape to cancel.';
  }
  return /\s/.test(key) ? 'An API key has no spaces or line breaks.' : null;
}

/** The AI settings in effect for the window. */
export interface KeySettings {
  /** `devfocus.ai.provider` of the window. */
  provider: string;
  /** Every value of `devfocus.ai.provider` in effect here (the window's and each folder's). */
  providers: string[];
  /** `devfocus.ai.apiKeyEnv`. */
  apiKeyEnv: string;
}

/** What the commands ask and say; the extension shows them with VS Code's own widgets. */
export interface KeyPrompts {
  /** Which provider's key to set or clear; undefined when the user cancels. */
  pickProvider(
    choices: readonly KeyProvider[],
    action: 'set' | 'clear',
  ): Promise<KeyProvider | undefined>;
  /** The key itself (a password box); undefined when the user cancels. */
  askKey(provider: KeyProvider): Promise<string | undefined>;
  /** A message with optional buttons; the button chosen, if any. */
  tell(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** Sets `devfocus.ai.provider` in the user's settings. */
  useProvider(provider: KeyProvider): Promise<void>;
}

/** The key for the server, and the two commands. */
export class AIKeys extends SecretEnvironment {
  constructor(
    secrets: SecretStore,
    private readonly settings: () => KeySettings,
    private readonly prompts: KeyPrompts,
    /** Starts the server again (it asks for environment() while starting). */
    restart: () => Promise<void>,
    /** The output channel: names and variables only, never a key. */
    log: (message: string) => void,
  ) {
    super(secrets, restart, log, {
      what: 'the AI key',
      changed: 'the AI key or provider changed: restarting the server',
    });
  }

  /** The names the keys are kept under, one per provider. */
  owns(name: string): boolean {
    return KEY_PROVIDERS.some((provider) => secretName(provider) === name);
  }

  protected override announce(env: Record<string, string>): void {
    const { provider, apiKeyEnv } = this.settings();
    if (!isKeyProvider(provider)) {
      return;
    }
    const variable = keyVariable(provider, apiKeyEnv);
    if (!variable) {
      this.log(
        `devfocus.ai.apiKeyEnv is not a variable name (${JSON.stringify(apiKeyEnv)}): no ` +
          'stored key is handed to the server',
      );
    } else if (env[variable]) {
      this.log(
        `the stored ${PROVIDER_NAMES[provider]} API key is in the server's environment as ` +
          variable,
      );
    }
  }

  /** The environment the settings and the stored key call for now. */
  protected async wanted(): Promise<Record<string, string>> {
    const { provider, apiKeyEnv } = this.settings();
    const key = isKeyProvider(provider) ? await this.secrets.get(secretName(provider)) : undefined;
    return keyEnvironment(provider, apiKeyEnv, key);
  }

  /** Set AI API Key: which provider, the key, stored; then the server starts again with it. */
  async set(): Promise<boolean> {
    const { providers } = this.settings();
    const inEffect = unique(providers.filter(isKeyProvider));
    let provider: KeyProvider | undefined = inEffect.length === 1 ? inEffect[0] : undefined;
    if (!provider) {
      provider = await this.prompts.pickProvider(
        inEffect.length > 1 ? inEffect : KEY_PROVIDERS,
        'set',
      );
    }
    if (!provider) {
      return false;
    }
    const typed = await this.prompts.askKey(provider);
    if (!typed?.trim() || keyProblem(typed) !== null) {
      return false;
    }
    await this.keep(secretName(provider), typed.trim(), `${PROVIDER_NAMES[provider]} API key`);
    if (inEffect.includes(provider)) {
      await this.refresh(true);
      void this.prompts.tell(
        `DevFocus: the ${PROVIDER_NAMES[provider]} API key is stored in VS Code's secret ` +
          'storage, and the server uses it.',
      );
      return true;
    }
    const use = `Use ${PROVIDER_NAMES[provider]}`;
    const choice = await this.prompts.tell(
      `DevFocus: the ${PROVIDER_NAMES[provider]} API key is stored in VS Code's secret storage. ` +
        `It is used while devfocus.ai.provider is ${provider}.`,
      use,
    );
    if (choice === use) {
      await this.prompts.useProvider(provider); // the settings change starts the server again
    }
    return true;
  }

  /** Clear AI API Key: removes a stored key; the server starts again without it. */
  async clear(): Promise<boolean> {
    const stored: KeyProvider[] = [];
    for (const provider of KEY_PROVIDERS) {
      if (await this.secrets.get(secretName(provider))) {
        stored.push(provider);
      }
    }
    if (stored.length === 0) {
      void this.prompts.tell('DevFocus: no AI API key is stored.');
      return false;
    }
    const inEffect = unique(this.settings().providers.filter(isKeyProvider));
    const current = stored.filter((p) => inEffect.includes(p));
    let provider: KeyProvider | undefined;
    if (current.length === 1) {
      provider = current[0];
    } else if (stored.length === 1) {
      provider = stored[0];
    } else {
      provider = await this.prompts.pickProvider(current.length > 1 ? current : stored, 'clear');
    }
    if (!provider) {
      return false;
    }
    await this.forget(secretName(provider), `${PROVIDER_NAMES[provider]} API key`);
    await this.refresh(true);
    void this.prompts.tell(`DevFocus: the ${PROVIDER_NAMES[provider]} API key was removed.`);
    return true;
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
