"""The national database (CSDLQG về CBCCVC): the mapping of an approved record to the
contract's messages, the checks the receiver applies, the outbox and the stand-in
receiver (issue 20)."""
