using System.Text.RegularExpressions;

namespace PveOperator.Proxmox;

/// <summary>
/// Maps a PVE error answer to a <see cref="PveErrorKind"/>. PVE reports "not found", "already in state" and
/// "locked" as plain 500s, so the text decides; the patterns are the messages pve-container and pve-manager die with.
/// </summary>
internal static partial class PveErrorClassifier
{
    public static PveErrorKind Classify(int statusCode, string? reasonPhrase, string? serverMessage)
    {
        var text = $"{reasonPhrase}\n{serverMessage}";
        return statusCode switch
        {
            401 => PveErrorKind.Unauthorized,
            403 => PveErrorKind.Forbidden,
            // Including tasks/{upid}/status's 400 {"errors":{"upid":"no such task"}} for a task the node does not know
            // (see PveApiException.IsUnknownTask): the status decides, as callers expect.
            400 => PveErrorKind.Validation,
            // Checked first: "unable to create CT 120 - ..." wraps the cause, and a storage lock is not a CT lock.
            500 when StorageLockPattern().IsMatch(text) => PveErrorKind.StorageLocked,
            500 when AlreadyExistsPattern().IsMatch(text) => PveErrorKind.AlreadyExists,
            500 when DigestMismatchPattern().IsMatch(text) => PveErrorKind.DigestMismatch,
            500 when CannotShrinkPattern().IsMatch(text) => PveErrorKind.CannotShrink,
            500 when NotFoundPattern().IsMatch(text) => PveErrorKind.NotFound,
            500 when AlreadyInStatePattern().IsMatch(text) => PveErrorKind.AlreadyInState,
            500 when LockedPattern().IsMatch(text) => PveErrorKind.Locked,
            // 501: unknown method or path (e.g. /interfaces before PVE 8.1): retrying will not help.
            501 => PveErrorKind.Other,
            >= 500 and <= 599 => PveErrorKind.Transient,
            _ => PveErrorKind.Other,
        };
    }

    /// <summary>
    /// Classifies the exit text of a failed task. Lock conflicts and missing configs usually surface here rather than
    /// as HTTP errors, because PVE checks them inside the forked worker; anything else is <see cref="PveErrorKind.Other"/>.
    /// </summary>
    public static PveErrorKind ClassifyTaskFailure(string exitStatus) =>
        Classify(500, exitStatus, null) is var kind && kind == PveErrorKind.Transient ? PveErrorKind.Other : kind;

    /// <summary>Reads <c>Permission check failed (/vms/100, VM.PowerMgmt)</c>.</summary>
    public static bool TryParsePermission(string? text, out string? path, out string? privilege)
    {
        var match = text is null ? Match.Empty : PermissionPattern().Match(text);
        path = match.Success ? match.Groups["path"].Value : null;
        privilege = match.Success ? match.Groups["privilege"].Value.Trim() : null;
        return match.Success;
    }

    // "Configuration file 'nodes/pve/lxc/100.conf' does not exist"; an unknown node fails its hostname lookup.
    [GeneratedRegex(@"does not exist|hostname lookup '[^']*' failed|no such (cluster )?node", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotFoundPattern();

    // "CT 100 already running", "CT 100 not running", "VM 100 not running" (reboot of a stopped CT).
    [GeneratedRegex(@"\b(already running|not running)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AlreadyInStatePattern();

    // "CT is locked (backup)", "VM is locked (migrate)", "can't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout".
    [GeneratedRegex(@"\b(CT|VM) is locked\b|can't lock file", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LockedPattern();

    // "CT 120 already exists on node 'pve1'", "VM 120 already exists on node 'pve1'" (a QEMU guest holds the id).
    [GeneratedRegex(@"\b(CT|VM) \d+ already exists on node\b", RegexOptions.CultureInvariant)]
    private static partial Regex AlreadyExistsPattern();

    [GeneratedRegex(@"detected modified configuration - file changed by other user", RegexOptions.CultureInvariant)]
    private static partial Regex DigestMismatchPattern();

    // Local storages: a flock under /var/lock/pve-manager; shared ones: a pmxcfs lock.
    [GeneratedRegex(@"can't lock file '/var/lock/pve-manager/pve-storage-[^']*' - got timeout|cfs-lock 'storage-[^']*' error: got lock request timeout", RegexOptions.CultureInvariant)]
    private static partial Regex StorageLockPattern();

    [GeneratedRegex(@"unable to shrink disk size", RegexOptions.CultureInvariant)]
    private static partial Regex CannotShrinkPattern();

    [GeneratedRegex(@"Permission check failed \((?<path>/[^,)]*), (?<privilege>[^)]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex PermissionPattern();
}
