// The Phoenix Presence guide's page script. Changed from the guide: its import path, and
// the connect params: with LOBBY_AUTH=token the page first asks the server for a signed
// token (GET /token?name=), and connects with it instead of a bare user_id.
import {Socket, Presence} from "@plume/client"

let name = new URLSearchParams(window.location.search).get("name") ?? ""

async function connectParams() {
  let res = await fetch(`/token?name=${encodeURIComponent(name)}`)
  // 404: the server trusts user_id (the guide's demo mode); anything else must be a token.
  if (res.status === 404) return { user_id: name }
  return { token: (await res.json()).token }
}

function renderOnlineUsers(presences) {
  let response = ""

  Presence.list(presences, (id, {metas: [first, ...rest]}) => {
    let count = rest.length + 1
    response += `<br>${id} (count: ${count})</br>`
  })

  document.querySelector("main[role=main]").innerHTML = response
}

connectParams().then(params => {
  let socket = new Socket("/socket", { params })

  socket.connect()

  let presences = {}

  let channel = socket.channel("room:lobby", {})

  channel.on("presence_state", state => {
    presences = Presence.syncState(presences, state)
    renderOnlineUsers(presences)
  })

  channel.on("presence_diff", diff => {
    presences = Presence.syncDiff(presences, diff)
    renderOnlineUsers(presences)
  })

  channel.join()
})
