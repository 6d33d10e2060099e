using System.Globalization;

namespace PveOperator.Proxmox;

/// <summary>
/// Reads a task's exit text: <c>OK</c>, <c>WARNINGS: n</c> (still a success, which GoDoxy got wrong), or the
/// error (the task log's "TASK ERROR: ..." line without its prefix).
/// </summary>
internal static class PveTaskExitStatus
{
    private const string Ok = "OK";
    private const string WarningsPrefix = "WARNINGS:";

    public static bool IsSuccess(string? exitStatus) =>
        exitStatus is not null && (exitStatus.Trim() == Ok || exitStatus.TrimStart().StartsWith(WarningsPrefix, StringComparison.Ordinal));

    /// <summary>The n of <c>WARNINGS: n</c>; 0 otherwise.</summary>
    public static int WarningCount(string? exitStatus)
    {
        var text = exitStatus?.Trim();
        return text is not null && text.StartsWith(WarningsPrefix, StringComparison.Ordinal) &&
               int.TryParse(text[WarningsPrefix.Length..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;
    }
}
