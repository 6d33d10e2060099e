using System.Diagnostics;

namespace PveOperator.Proxmox;

/// <summary>
/// The login ticket of a password-authenticated client: obtained once and shared by all requests, renewed after
/// <c>renewAfter</c> (well inside PVE's 2 h lifetime). A failed login is remembered for a while and repeated to
/// callers at once: PVE delays each failure by 3 s, and asking again in a loop would only lock the account.
/// </summary>
internal sealed class PveTicketSession(TimeSpan renewAfter, TimeSpan failedLoginHold, Func<string?, CancellationToken, Task<PveTicket>> login) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private PveTicket? current;
    private (PveApiException Error, long At)? lastFailure;

    public async ValueTask<PveTicket> GetAsync(CancellationToken cancellationToken)
    {
        var ticket = Volatile.Read(ref current);
        if (ticket is not null && !IsDue(ticket))
        {
            return ticket;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ticket = Volatile.Read(ref current);
            if (ticket is not null && !IsDue(ticket))
            {
                return ticket;
            }

            if (lastFailure is { } failure && Stopwatch.GetElapsedTime(failure.At) < failedLoginHold)
            {
                throw failure.Error;
            }

            try
            {
                var fresh = await login(ticket?.Ticket, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref current, fresh);
                lastFailure = null;
                return fresh;
            }
            catch (PveApiException error) when (error.Kind == PveErrorKind.Unauthorized)
            {
                Volatile.Write(ref current, null);
                lastFailure = (error, Stopwatch.GetTimestamp());
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>PVE refused this ticket: the next request logs in afresh (unless another already did).</summary>
    public void Invalidate(PveTicket refused) => Interlocked.CompareExchange(ref current, null, refused);

    public void Dispose() => gate.Dispose();

    private bool IsDue(PveTicket ticket) => Stopwatch.GetElapsedTime(ticket.ObtainedAt) >= renewAfter;
}
