namespace PveSimulator.Admin;

/// <summary>A node as scenario files and POST /_sim/nodes describe it.</summary>
/// <remarks>The address defaults to 127.0.0.1: clients that connect to node addresses then reach the simulator, never a real host.</remarks>
internal sealed record NodeSpec(string Name, string? Ip = null, bool Online = true);
