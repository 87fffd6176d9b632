// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Error {
      message: string;
      /** An i18n key for the message, when the error has a known cause. */
      key?: string;
    }
  }
}

export {};
