// The screens the first script does not hold: each is loaded when first needed (Home also a
// moment after the first screen is up), once, and the same module is used from then on.
const once = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((e) => {
      loaded = undefined; // a failed load is tried again next time
      throw e;
    });
    return loaded;
  };
};

export const screens = {
  home: once(() => import('../screens/Home.svelte')),
  recovery: once(() => import('../screens/RecoveryKey.svelte')),
  demo: once(() => import('../screens/DemoSetup.svelte')),
  keyFileMissing: once(() => import('../screens/KeyFileMissing.svelte')),
  olderCopy: once(() => import('../screens/OlderCopy.svelte')),
};
