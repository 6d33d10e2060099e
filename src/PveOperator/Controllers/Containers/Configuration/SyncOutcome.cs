using PveOperator.Entities;

namespace PveOperator.Controllers;

/// <summary>What the configuration comparison reports: Synced with its reason and message, the drift, and the pending keys.</summary>
internal sealed record SyncOutcome(bool Synced, string Reason, string Message, IReadOnlyList<DriftEntry> Drift, IReadOnlyList<string> Pending, string RestartMessage);
