namespace PveOperator.Proxmox;

/// <summary>
/// A failed PVE call, classified by <see cref="Kind"/>. PVE puts its message in the HTTP reason phrase (bodies are
/// often empty), so <see cref="ReasonPhrase"/> is usually the most telling part. Texts never contain the token
/// secret or the Authorization header: they are built here from the method, path and server answer only.
/// </summary>
public sealed class PveApiException(PveErrorKind kind, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public PveErrorKind Kind { get; } = kind;

    /// <summary>HTTP status (including PVE's proxy pseudo-statuses 595-599); null when no answer came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The reason phrase, where PVE writes the first line of its error message.</summary>
    public string? ReasonPhrase { get; init; }

    /// <summary>The body's full <c>message</c> (PVE 8.3+), trimmed.</summary>
    public string? ServerMessage { get; init; }

    /// <summary>The body's <c>errors</c>: parameter name → problem (400 answers).</summary>
    public IReadOnlyDictionary<string, string> FieldErrors { get; init; } = new Dictionary<string, string>();

    public string? Method { get; init; }

    /// <summary>API path below /api2/json, e.g. /nodes/pve/lxc/100/status/start.</summary>
    public string? Path { get; init; }

    /// <summary>
    /// For a power action: the request may or may not have been carried out (timeout, dropped connection), so the
    /// caller must re-observe the container instead of sending it again.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>No answer came within the time allowed.</summary>
    public bool IsTimeout { get; init; }

    /// <summary>A password login that PVE answered with NeedTFA: the user has a second factor the operator cannot give.</summary>
    public bool NeedsSecondFactor { get; init; }

    /// <summary>For <see cref="PveErrorKind.Forbidden"/>: the ACL path PVE checked, e.g. /vms/100.</summary>
    public string? PermissionPath { get; init; }

    /// <summary>For <see cref="PveErrorKind.Forbidden"/>: the privilege(s) missing, e.g. VM.PowerMgmt (alternatives joined by |).</summary>
    public string? Privilege { get; init; }

    public bool IsTransient => Kind == PveErrorKind.Transient;

    /// <summary>
    /// The task status call named a task the node does not know (400 with <c>upid: no such task</c>), e.g. after the
    /// node rebooted: the container's own state is what is left to look at.
    /// </summary>
    public bool IsUnknownTask =>
        Kind == PveErrorKind.Validation &&
        FieldErrors.Values.Any(v => v.Contains("no such task", StringComparison.OrdinalIgnoreCase));

    /// <summary>The same failure under a message that says what was being done; this one becomes the inner exception.</summary>
    internal PveApiException WithContext(string message) =>
        new(Kind, message, this)
        {
            StatusCode = StatusCode,
            ReasonPhrase = ReasonPhrase,
            ServerMessage = ServerMessage,
            FieldErrors = FieldErrors,
            Method = Method,
            Path = Path,
            OutcomeUnknown = OutcomeUnknown,
            IsTimeout = IsTimeout,
            PermissionPath = PermissionPath,
            Privilege = Privilege,
        };
}
