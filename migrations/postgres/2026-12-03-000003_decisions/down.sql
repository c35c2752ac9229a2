DROP TABLE decision_chain_head;
DROP TABLE decisions;
