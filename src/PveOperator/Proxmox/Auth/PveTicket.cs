namespace PveOperator.Proxmox;

/// <summary>A PVE login ticket with its CSRF token, and when it was obtained (a Stopwatch timestamp).</summary>
internal sealed record PveTicket(string Ticket, string CsrfToken, long ObtainedAt);
