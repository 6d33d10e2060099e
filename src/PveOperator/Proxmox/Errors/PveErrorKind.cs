namespace PveOperator.Proxmox;

/// <summary>What a failed PVE call means for the caller; decides retries and the condition reason shown to users.</summary>
public enum PveErrorKind
{
    /// <summary>Anything not covered below (e.g. 501, an unreadable answer).</summary>
    Other,
    /// <summary>401: bad, expired or missing token.</summary>
    Unauthorized,
    /// <summary>403: the token lacks a privilege (see <see cref="PveApiException.Privilege"/>).</summary>
    Forbidden,
    /// <summary>The CT (its config) or the node does not exist (PVE says so with a 500).</summary>
    NotFound,
    /// <summary>"already running" / "not running": the action was not needed.</summary>
    AlreadyInState,
    /// <summary>"CT is locked" / "can't lock file": another operation holds the CT; try later.</summary>
    Locked,
    /// <summary>400: PVE refused the parameters; also an unknown task id (<see cref="PveApiException.IsUnknownTask"/>).</summary>
    Validation,
    /// <summary>Other 5xx, PVE's proxy errors 595/596, timeouts, connection failures: worth retrying.</summary>
    Transient,
    /// <summary>The server certificate failed validation. Never retried: it needs a configuration change.</summary>
    TlsError,
    /// <summary>"CT 120 already exists on node 'pve1'" (or "VM ..."): create or clone into a vmid that is taken.</summary>
    AlreadyExists,
    /// <summary>"detected modified configuration - file changed by other user? Try again.": re-read the config and its digest.</summary>
    DigestMismatch,
    /// <summary>A storage's allocation lock timed out ("can't lock file '/var/lock/pve-manager/pve-storage-...' - got timeout"); retry later.</summary>
    StorageLocked,
    /// <summary>"unable to shrink disk size": PVE cannot make a disk smaller.</summary>
    CannotShrink,
}
