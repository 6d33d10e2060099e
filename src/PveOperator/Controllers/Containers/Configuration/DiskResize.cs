namespace PveOperator.Controllers;

/// <summary>One PUT .../resize: the disk (rootfs or mpN), its new absolute size in PVE's form ("16G"), and the spec field.</summary>
internal sealed record DiskResize(string Disk, string Size, string Field);
