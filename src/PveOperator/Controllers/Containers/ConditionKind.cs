namespace PveOperator.Controllers;

/// <summary>The kstatus shape of a reported outcome.</summary>
internal enum ConditionKind
{
    /// <summary>Ready=True: the container is as desired.</summary>
    Ready,
    /// <summary>Ready=False, Reconciling=True: on the way, or waiting for something that comes by itself.</summary>
    Progressing,
    /// <summary>Ready=False, Stalled=True: only a human can move it on.</summary>
    Stalled,
}
