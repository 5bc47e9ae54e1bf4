/** How the local e2e run scales AWS's timers (global-setup), for the scenarios that reason about them. */

/** A silent worker is noticed after 5 s instead of 15 s; the simulated agent still heartbeats every second. */
export const E2E_HEARTBEAT_TIMEOUT_SCALE = 0.34;
