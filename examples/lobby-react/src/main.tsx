// Entry of the React lobby: one socket for the page, named by `?name=` as the seed page is.
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Socket } from '@plume/client'
import { Lobby } from './Lobby'

const name = new URLSearchParams(window.location.search).get('name') ?? 'anonymous'
const socket = new Socket('/socket', { params: { user_id: name } })
socket.connect()

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <Lobby socket={socket} name={name} />
  </StrictMode>,
)
