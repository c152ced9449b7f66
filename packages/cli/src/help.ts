// The text of `plume --help`.

/** Usage of every command. */
export const HELP = `plume: start and grow a Plume app (Phoenix Channels and Presence for Node.js)

Usage:
  plume new <app-name>            a runnable app: server, lobby page, tests, README
      --registry                  take Plume from the npm registry
      --plume-from <checkout>     pack Plume from a checkout into the app's vendor/
                                  (the default when plume itself runs from a checkout)
  plume gen channel <Name>        src/channels/<name>.ts and its test
  plume gen presence [Name]       a presence module on the app's PubSub and its test
                                  (default name: Presence)
  plume --help | --version

Run plume gen inside the app's folder.`
