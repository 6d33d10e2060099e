namespace PveOperator.Tests.Proxmox;

/// <summary>
/// The client-against-simulator tests. They run alone (not beside other test collections) because some measure
/// concurrency and timing, which two busy cores would blur.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulatorClientCollection
{
    public const string Name = "PVE client against the simulator";
}
