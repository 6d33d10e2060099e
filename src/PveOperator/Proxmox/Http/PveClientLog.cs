using Microsoft.Extensions.Logging;

namespace PveOperator.Proxmox;

/// <summary>
/// The client's log lines. They carry method, path, status and timing only: never headers, so never the token.
/// </summary>
internal static partial class PveClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Trace, Message = "PVE {Method} {Path}: sending")]
    public static partial void Sending(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "PVE {Method} {Path}: {StatusCode} {ReasonPhrase} in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, string method, string path, int statusCode, string? reasonPhrase, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "PVE {Method} {Path}: failed after {ElapsedMs} ms ({Kind}): {Reason}")]
    public static partial void Failed(ILogger logger, string method, string path, long elapsedMs, PveErrorKind kind, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "PVE {Method} {Path}: retry {Attempt} in {DelayMs} ms after {Kind}")]
    public static partial void Retrying(ILogger logger, string? method, string? path, int attempt, long delayMs, PveErrorKind kind);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "PVE {Url}: cluster {ClusterName} (standalone: {Standalone}), version {Version}, nodes: {Nodes}")]
    public static partial void Initialized(ILogger logger, Uri url, string clusterName, bool standalone, string version, string nodes);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "PVE {Url}: /interfaces is not implemented (PVE before 8.1); reading addresses from the config from now on")]
    public static partial void InterfacesNotImplemented(ILogger logger, Uri url);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "PVE {Method} {Path}: the login ticket was refused; logging in again")]
    public static partial void TicketRefused(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "PVE: renewing the login ticket was refused; logging in with the password")]
    public static partial void RenewalRefused(ILogger logger);
}
