namespace PveOperator;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("pve-operator");
        return 0;
    }
}
