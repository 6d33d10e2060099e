namespace PveOperator.Controllers;

/// <summary>Condition reasons: a user's first clue, listed in docs and used by tests.</summary>
internal static class Reasons
{
    // Provider
    public const string Connected = "Connected";
    public const string SecretNotFound = "SecretNotFound";
    public const string InvalidSpec = "InvalidSpec";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string PermissionDenied = "PermissionDenied";
    public const string TlsError = "TLSError";
    public const string Unreachable = "Unreachable";
    public const string SecretNotAllowed = "SecretNotAllowed";
    public const string InsecureTlsNotAllowed = "InsecureTLSNotAllowed";
    public const string InsecureTlsAllowed = "InsecureTLSAllowed";
    public const string MissingPrivileges = "MissingPrivileges";
    public const string PrivilegesGranted = "PrivilegesGranted";

    // Container
    public const string ProviderNotReady = "ProviderNotReady";
    public const string ProviderNotAllowed = "ProviderNotAllowed";
    public const string NotFound = "NotFound";
    public const string TaskFailed = "TaskFailed";
    public const string Locked = "Locked";
    public const string Running = "Running";
    public const string Stopped = "Stopped";
    public const string Starting = "Starting";
    public const string Stopping = "Stopping";
    public const string WaitingForSlot = "WaitingForActionSlot";
    public const string Observing = "Observing";
    public const string ActionFailed = "ActionFailed";
    /// <summary>Another LxcContainer already manages the same VMID of the provider.</summary>
    public const string Conflict = "Conflict";
}
