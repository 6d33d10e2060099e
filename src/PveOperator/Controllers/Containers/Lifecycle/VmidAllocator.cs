namespace PveOperator.Controllers;

/// <summary>
/// Picks the VMID for a container created without spec.vmid: the lowest id of the range that no container of the
/// snapshot uses, no other resource of this operator has reserved, and no earlier attempt found taken.
/// </summary>
internal static class VmidAllocator
{
    /// <summary>PVE's own default range for /cluster/nextid (datacenter.cfg next-id).</summary>
    public const int PveLowest = 100;
    public const int PveHighest = 999999999;

    public static int? LowestFree(int min, int max, Func<int, bool> taken)
    {
        for (long id = min; id <= max; id++)
        {
            if (!taken((int)id))
            {
                return (int)id;
            }
        }

        return null;
    }
}
