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

    // Lifecycle: create, clone, destroy, ownership, policies
    /// <summary>Paused condition (annotation pve-operator.io/paused: "true").</summary>
    public const string Paused = "Paused";
    public const string Creating = "Creating";
    public const string Cloning = "Cloning";
    public const string Destroying = "Destroying";
    /// <summary>Event reasons when the task ended well.</summary>
    public const string Created = "Created";
    public const string Cloned = "Cloned";
    public const string Destroyed = "Destroyed";
    /// <summary>No free VMID in the provider's vmidRange.</summary>
    public const string VmidRangeExhausted = "VmidRangeExhausted";
    /// <summary>create.template names a volume the storage does not have.</summary>
    public const string TemplateNotFound = "TemplateNotFound";
    /// <summary>spec.vmid names an existing container that does not carry this resource's owner mark.</summary>
    public const string AlreadyExists = "AlreadyExists";
    /// <summary>Destroy refused by the container's protection flag.</summary>
    public const string Protected = "Protected";
    /// <summary>create.clone.vmid is not a container of the provider.</summary>
    public const string CloneSourceNotFound = "CloneSourceNotFound";
    /// <summary>create.clone.full is false and the source is not a template.</summary>
    public const string LinkedCloneRequiresTemplate = "LinkedCloneRequiresTemplate";
    /// <summary>Deletion left a container that does not carry this resource's owner mark.</summary>
    public const string NotOwned = "NotOwned";
    /// <summary>The container carries another resource's owner mark (another namespace, name or cluster).</summary>
    public const string OwnedElsewhere = "OwnedElsewhere";
    /// <summary>Ready reason of a managementPolicy ObserveOnly resource.</summary>
    public const string ObserveOnly = "ObserveOnly";
    /// <summary>No online node to create the container on.</summary>
    public const string NoNodeAvailable = "NoNodeAvailable";
    public const string WaitingForStorageSlot = "WaitingForStorageSlot";

    // Configuration (condition Synced, RestartRequired, and the operations that apply it).
    public const string InSync = "InSync";
    public const string Drifted = "Drifted";
    public const string CannotShrink = "CannotShrink";
    public const string RequiresReplacement = "RequiresReplacement";
    public const string ConfigRejected = "ConfigRejected";
    public const string PendingChanges = "PendingChanges";
    public const string NothingPending = "NothingPending";
    public const string ConfigApplied = "ConfigApplied";
    public const string Resizing = "Resizing";
    public const string Resized = "Resized";
    public const string Restarting = "Restarting";
    public const string Restarted = "Restarted";
    public const string Migrating = "Migrating";
    public const string Migrated = "Migrated";
}
