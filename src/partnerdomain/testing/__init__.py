from partnerdomain.model import Money
