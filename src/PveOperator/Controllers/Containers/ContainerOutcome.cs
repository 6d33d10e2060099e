namespace PveOperator.Controllers;

/// <summary>A condition to report: its kind, reason and message, and whether it also warrants a Warning event now.</summary>
internal sealed record ContainerOutcome(ConditionKind Kind, string Reason, string Message, bool Warn = false)
{
    public static ContainerOutcome Ready(string reason, string message) => new(ConditionKind.Ready, reason, message);

    public static ContainerOutcome Progressing(string reason, string message) => new(ConditionKind.Progressing, reason, message);

    public static ContainerOutcome Stalled(string reason, string message, bool warn = false) => new(ConditionKind.Stalled, reason, message, warn);

    public static ContainerOutcome NotReady(string reason, string message, bool stalled) =>
        stalled ? Stalled(reason, message) : Progressing(reason, message);
}
