namespace PveOperator.Tests.Controllers.Fakes;

/// <summary>A container as the fake PVE cluster really has it (not as its lagging snapshot shows it).</summary>
internal sealed class FakeCt(int vmid, string node, string status)
{
    public int Vmid { get; } = vmid;
    public string Node { get; set; } = node;
    /// <summary>running or stopped.</summary>
    public string Status { get; set; } = status;
    public string? Lock { get; set; }
    public string Name { get; set; } = $"ct{vmid}";
}
