namespace PveOperator.Proxmox;

/// <summary>Where a PVE task stands.</summary>
public enum PveTaskState
{
    Running,
    /// <summary>Ended with <c>OK</c> or <c>WARNINGS: n</c>.</summary>
    Succeeded,
    /// <summary>Ended with any other exit text, which says why.</summary>
    Failed,
}
