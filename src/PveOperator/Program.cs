using PveOperator.Crds;

namespace PveOperator;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["generate-crds", .. var rest])
        {
            foreach (var path in CrdGenerator.WriteAll(rest.Length > 0 ? rest[0] : "config/crds"))
            {
                Console.WriteLine($"wrote {path}");
            }

            return 0;
        }

        Console.Error.WriteLine("usage: PveOperator generate-crds [DIR]");
        return 2;
    }
}
